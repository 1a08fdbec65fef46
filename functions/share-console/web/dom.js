// Building the page from the API's answers without markup strings: every text goes in as a text
// node (the CSP requires Trusted Types and allows no policy, so markup from a string would throw).

/** An element with properties (`class`, `text`, attributes, `on*` listeners) and children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = value;
    else if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

export const $ = (id) => document.getElementById(id);

/** Text a screen reader reads but the page does not show (e.g. which share a button acts on). */
export function hidden(text) {
  return el('span', { class: 'visually-hidden', text });
}

export function show(node, visible = true) {
  node.hidden = !visible;
}
