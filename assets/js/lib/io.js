/* The vendored Socket.IO client (assets/vendor/socket.io, a classic script that
 * defines the global `io`) as a module export. Read at call time, so the page
 * loads the vendor script before its modules and tests may wrap `io`. */
export function io(...args) {
  return globalThis.io(...args);
}
