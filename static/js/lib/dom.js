// Small DOM helpers shared by the page scripts.

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

// Set the text of every element matching selector (text only: never markup).
export function setText(selector, value) {
  for (const node of $$(selector)) node.textContent = value;
}

// Build an element with text content.
export function el(tag, text = "", className = "") {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}

export function readConfig() {
  return JSON.parse($("#page-config").textContent);
}

// Fill "{name}" placeholders of a translated pattern (unknown ones stay as they are).
export function fill(pattern, values) {
  return String(pattern || "").replace(/\{(\w+)\}/g, (whole, key) =>
    key in values ? String(values[key]) : whole,
  );
}

// A small action button (type="button", so it never submits a form).
export function button(label, onClick, className = "button small") {
  const node = el("button", label, className);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

// Put exactly these nodes into parent, in order, moving only what is out of place (a moved
// node restarts its animation; the others keep theirs).
export function reorderChildren(parent, nodes) {
  let ref = parent.firstElementChild;
  for (const node of nodes) {
    if (node === ref) ref = ref.nextElementSibling;
    else parent.insertBefore(node, ref);
  }
  while (ref) {
    const next = ref.nextElementSibling;
    ref.remove();
    ref = next;
  }
}

// The current values of a form's named fields, to hand to clearSent once the server has them.
export function fieldValues(form, names) {
  return Object.fromEntries(names.map((name) => [name, form.elements[name].value]));
}

// Empty the fields that still hold what was sent (a list goes back to its first choice). An
// acknowledgement can come late (weak Wi-Fi, or just after the push it caused): what the user
// has typed since then stays.
export function clearSent(form, sent) {
  for (const [name, value] of Object.entries(sent)) {
    const field = form.elements[name];
    if (field.value !== value) continue;
    if (field instanceof HTMLSelectElement) field.selectedIndex = 0;
    else field.value = "";
    field.removeAttribute("aria-invalid");
  }
}
