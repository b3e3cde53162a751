// Connection hooks (`useConnectProvider` and friends) live here.
export {}
