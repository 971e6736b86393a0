// Keyboard shortcut helpers.

/** Whether the key went to a text field, where "/" and letters belong to the user. */
export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
}

/** Ctrl (or ⌘) + the letter. */
export function isMod(e: KeyboardEvent, key: string): boolean {
  return (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === key;
}

/** "/" focuses the screen's search box (unless the user is typing somewhere). */
export function focusSearchOnSlash(e: KeyboardEvent, input: HTMLInputElement | undefined): void {
  if (e.key === '/' && !e.ctrlKey && !e.metaKey && !isTyping(e) && input) {
    e.preventDefault();
    input.focus();
  }
}

/** Runs `fn` once input has been quiet for `ms`. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
