// Strata.Client in the page: how WebAssembly calls a server function (src/Strata.Client/BrowserTransport.cs).
// Blazor loads this file as a JavaScript initializer of the Strata.Client library, before it starts.
//
// The call goes through window.fetch, so Strata's router cache (strata-router.js) sees the answer and drops its entries
// when the server function revalidated. After a revalidation the page shown is rendered again (Next.js refreshes the
// current route after a server action that revalidated); after Redirect(...) Blazor navigates to the new address.

function navigate(url, replace) {
  if (window.Blazor?.navigateTo) {
    window.Blazor.navigateTo(url, { replaceHistoryEntry: replace });
  } else {
    location.assign(url);
  }
}

async function call(id, captured, args) {
  const headers = { 'Strata-Action': id, 'Content-Type': 'application/json', Accept: 'application/json' };
  if (captured) {
    headers['Strata-Action-Captured'] = captured;
  }

  const response = await window.fetch(location.href, { method: 'POST', headers, body: args, credentials: 'same-origin' });
  const body = await response.text();
  const redirect = response.headers.get('strata-action-redirect');
  if (redirect) {
    const at = redirect.lastIndexOf(';');
    navigate(redirect.slice(0, at), redirect.slice(at + 1) === 'replace');
  } else if (response.headers.has('strata-action-revalidated')) {
    navigate(location.href, true);
  }

  return JSON.stringify({ status: response.status, body });
}

globalThis.Strata = Object.assign(globalThis.Strata ?? {}, { client: Object.freeze({ call }) });
