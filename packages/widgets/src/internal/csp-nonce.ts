/**
 * Under a strict Content-Security-Policy the widgets need no `'unsafe-inline'`: Lit styles each
 * shadow root through adopted stylesheets. Only browsers without adopted stylesheets fall back to
 * `<style>` elements, which need the page's nonce; Lit takes it from `window.litNonce`.
 *
 * So the widgets use the nonce of the script that loaded them: a page under such a policy loads
 * `<script type="module" nonce="…" src="…/pulse-widgets.js">` and this module passes that nonce on.
 * A page (or an app bundling the widgets) may also set `window.litNonce` itself beforehand.
 */
declare global {
  interface Window {
    litNonce?: string;
  }
}

// `.nonce`, not the attribute: browsers hide the attribute's value once the page has loaded.
window.litNonce ??=
  [...document.scripts].find((script) => script.src === import.meta.url)?.nonce || undefined;

export {};
