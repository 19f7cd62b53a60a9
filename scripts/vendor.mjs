// Copies the pinned browser libraries from node_modules into static/vendor/ (run: npm ci && npm run vendor).
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const FILES = [
  ["socket.io-client/dist/socket.io.min.js", "socket.io/socket.io.min.js"],
  ["socket.io-client/LICENSE", "socket.io/LICENSE"],
];

for (const [from, to] of FILES) {
  const target = join("static/vendor", to);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join("node_modules", from), target);
}
const version = JSON.parse(readFileSync("node_modules/socket.io-client/package.json")).version;
console.log(`socket.io-client ${version} copied to static/vendor/socket.io/`);
