/* Hearth's small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  var root = document.documentElement;

  /* Section navigation on narrow screens: a Menu button that folds the links away. */
  function setUpNavToggle() {
    var toggle = document.querySelector("[data-nav-toggle]");
    var nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!toggle || !nav) {
      return;
    }
    toggle.hidden = false;
    root.classList.add("has-nav-toggle");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("is-open", open);
    });
  }

  /* Account menu (details/summary): close on Escape and on a click elsewhere. */
  function setUpMenus() {
    var menus = document.querySelectorAll("details[data-menu]");
    if (!menus.length) {
      return;
    }
    document.addEventListener("click", function (event) {
      menus.forEach(function (menu) {
        if (menu.open && !menu.contains(event.target)) {
          menu.open = false;
        }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      menus.forEach(function (menu) {
        if (menu.open) {
          menu.open = false;
          menu.querySelector("summary").focus();
        }
      });
    });
  }

  /* Theme: follow the system, or a choice remembered in this browser. */
  var THEMES = ["system", "light", "dark"];
  var THEME_LABELS = { system: "Theme: system", light: "Theme: light", dark: "Theme: dark" };

  function currentTheme() {
    return root.getAttribute("data-theme") || "system";
  }

  function applyTheme(theme) {
    if (theme === "system") {
      root.removeAttribute("data-theme");
    } else {
      root.setAttribute("data-theme", theme);
    }
    try {
      if (theme === "system") {
        window.localStorage.removeItem("hearth-theme");
      } else {
        window.localStorage.setItem("hearth-theme", theme);
      }
    } catch (error) {
      /* Not remembered, still applied. */
    }
  }

  function setUpThemeToggle() {
    var button = document.querySelector("[data-theme-toggle]");
    if (!button) {
      return;
    }
    var label = button.querySelector("[data-theme-label]");
    function render() {
      var theme = currentTheme();
      button.setAttribute("data-current", theme);
      if (label) {
        label.textContent = THEME_LABELS[theme];
      }
    }
    button.hidden = false;
    render();
    button.addEventListener("click", function () {
      var next = THEMES[(THEMES.indexOf(currentTheme()) + 1) % THEMES.length];
      applyTheme(next);
      render();
    });
  }

  /* Copy buttons: <button data-copy-target="id"> copies the value of that field. */
  function setUpCopyButtons() {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      var status = document.getElementById(button.getAttribute("data-copy-status"));
      if (!field) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        var done = function () {
          if (status) {
            status.textContent = "Copied to the clipboard.";
          }
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(done, function () {
            field.select();
          });
        } else {
          field.select();
          try {
            if (document.execCommand("copy")) {
              done();
            }
          } catch (error) {
            /* The text stays selected for a manual copy. */
          }
        }
      });
    });
  }

  /* Dismissable messages. */
  function setUpMessages() {
    document.querySelectorAll("[data-dismissable]").forEach(function (message) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "alert-close";
      button.setAttribute("aria-label", "Dismiss message");
      button.innerHTML = "&times;";
      button.addEventListener("click", function () {
        var list = message.closest("ul");
        message.remove();
        if (list && !list.children.length) {
          list.remove();
        }
      });
      message.appendChild(button);
    });
  }

  /* A form that came back with errors: move focus to its summary so it is read out. */
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  function init() {
    setUpNavToggle();
    setUpMenus();
    setUpThemeToggle();
    setUpCopyButtons();
    setUpMessages();
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
