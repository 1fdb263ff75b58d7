// The only way the dashboard builds DOM: elements from DOM APIs, text as text nodes, attributes via
// setAttribute. Untrusted strings (names, URLs, server messages) can never become markup here.

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  readonly class?: string;
  readonly text?: string;
  readonly attrs?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly testid?: string;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  props: Props = {},
  children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const el = doc.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.testid) el.setAttribute('data-testid', props.testid);
  setAttrs(el, props.attrs);
  if (props.text !== undefined) el.textContent = props.text;
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(doc: Document, tag: string, attrs: Readonly<Record<string, string | number | undefined>> = {}, children: readonly Child[] = []): SVGElement {
  const el = doc.createElementNS(SVG_NS, tag) as SVGElement;
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el: Element, attrs: Props['attrs']): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(el: Node, children: readonly Child[]): void {
  const doc = el.ownerDocument!;
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === 'string' || typeof child === 'number' ? doc.createTextNode(String(child)) : child);
  }
}

/** Sets text only when it changed, so ticking every second does not churn the DOM or screen readers. */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Sets an attribute only when it changed: a write of the same value still invalidates style (and layout). */
export function setAttr(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export interface KeyedEntry {
  /** Identity (e.g. the endpoint name). */
  readonly id: string;
  /** Content version: the element is rebuilt only when this changes. */
  readonly key: string;
  /** Builds the element; `previous` is the one it replaces, to carry over UI state (open details). */
  readonly build: (previous: Element | undefined) => Element;
}

/**
 * Keeps a container's children in step with a list of entries, rebuilding only entries whose key
 * changed, so unchanged sections keep their DOM (open <details>, focus, hover) and cost nothing.
 */
export class KeyedList {
  private readonly container: Element;
  private readonly items = new Map<string, { key: string; el: Element }>();

  constructor(container: Element) {
    this.container = container;
  }

  update(entries: readonly KeyedEntry[]): void {
    const seen = new Set<string>();
    entries.forEach((entry, i) => {
      seen.add(entry.id);
      let item = this.items.get(entry.id);
      if (!item || item.key !== entry.key) {
        const el = entry.build(item?.el);
        if (item) item.el.replaceWith(el);
        item = { key: entry.key, el };
        this.items.set(entry.id, item);
      }
      const at = this.container.children[i] ?? null;
      if (at !== item.el) this.container.insertBefore(item.el, at);
    });
    for (const [id, item] of this.items) {
      if (seen.has(id)) continue;
      item.el.remove();
      this.items.delete(id);
    }
  }
}
