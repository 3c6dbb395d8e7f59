// On every page: registers the service worker (/sw.js) that makes Kindred installable
// and shows push notifications. It caches no page and no API answer (sw.js).
//
// And a page's own modules: where they wait in <template data-page-modules>
// (kindred/modules.py, page_modules), they are put into the document once the page has
// painted, so the first paint waits for the HTML alone (its stylesheet is inline). The
// template holds a modulepreload for every module of the page: one round after that.

if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // Installing is optional: Kindred works the same without it.
  });
}

function loadPageModules() {
  for (const template of document.querySelectorAll("template[data-page-modules]")) {
    template.remove();
    document.head.append(document.importNode(template.content, true));
  }
}

/** Runs *load* once the first paint is on screen (or soon, where that can't be told). */
function afterFirstPaint(load) {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    load();
  };
  if (window.PerformanceObserver?.supportedEntryTypes?.includes("paint")) {
    new PerformanceObserver((entries, observer) => {
      observer.disconnect();
      once();
    }).observe({ type: "paint", buffered: true });
  }
  // Else, or should the entry not come: once a second frame has begun, the first is out.
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(once, 0)));
  // A tab opened in the background has no frames until it is shown; its socket needn't wait.
  setTimeout(once, 3000);
}

if (document.querySelector("template[data-page-modules]")) afterFirstPaint(loadPageModules);
