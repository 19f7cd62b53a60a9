// Copies the pinned browser libraries from node_modules into static/vendor/ (run: npm ci && npm run vendor).
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const FILES = [
  ["socket.io-client/dist/socket.io.min.js", "socket.io/socket.io.min.js"],
  ["socket.io-client/LICENSE", "socket.io/LICENSE"],
  ["sortablejs/Sortable.min.js", "sortablejs/Sortable.min.js"],
  ["sortablejs/LICENSE", "sortablejs/LICENSE"],
];

for (const [from, to] of FILES) {
  const target = join("static/vendor", to);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join("node_modules", from), target);
}
for (const name of ["socket.io-client", "sortablejs"]) {
  const { version } = JSON.parse(readFileSync(`node_modules/${name}/package.json`));
  console.log(`${name} ${version} copied to static/vendor/`);
}
