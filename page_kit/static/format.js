// The one formatter of every page (served once at /kit/format.js, a classic script so that the
// module pages and the classic ones share it): "{name}" takes params[name]; a parameter not
// given stays "{name}", as the server's catalog does, so a gap is seen rather than hidden.
"use strict";

globalThis.kit = Object.freeze({
  fill(template, params = {}) {
    return String(template).replace(/\{(\w+)\}/g, (whole, name) =>
      (params[name] === undefined || params[name] === null ? whole : String(params[name])));
  },
});
