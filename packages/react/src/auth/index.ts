// Sign-in hooks (`AuthProvider`, `useAuth` and friends) live here.
export {}
