/* Runs before first paint (loaded without defer): marks that JavaScript is on and applies the
 * theme the member picked, so the page never flashes in the wrong colours. */
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  try {
    var theme = window.localStorage.getItem("hearth-theme");
    if (theme === "light" || theme === "dark") {
      root.setAttribute("data-theme", theme);
    }
  } catch (error) {
    /* Storage can be blocked; the system preference still applies. */
  }
})();
