// Starts the dashboard once every manage-*.js is loaded (a file, not an inline
// script: the hub's Content-Security-Policy allows only the hub's own scripts).
import M from "./manage.js";

M.start();
