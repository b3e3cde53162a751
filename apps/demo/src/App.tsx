export function App() {
  return (
    <main>
      <h1>oauth-connect demo</h1>
      <p>
        Connect a health-data source, sign in with PKCE, and see system access, against a local mock
        backend.
      </p>
    </main>
  )
}
