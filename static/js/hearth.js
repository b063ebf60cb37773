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
    /* Looked up at each event: menus swapped in later (posts.js) close the same way. */
    function menus() {
      return document.querySelectorAll("details[data-menu]");
    }
    document.addEventListener("click", function (event) {
      menus().forEach(function (menu) {
        if (menu.open && !menu.contains(event.target)) {
          menu.open = false;
        }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      menus().forEach(function (menu) {
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

  /* Drafts: what a member types in a post box (textarea[data-draft-key]) is kept in this
   * browser until the server confirms the post (it then renders
   * <body data-clear-draft="key">), so a failed submission never loses the text. */
  var DRAFT_PREFIX = "hearth-draft:";
  var DRAFT_DELAY_MS = 400;

  function draftStore() {
    try {
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function readDraft(store, key) {
    try {
      return store.getItem(DRAFT_PREFIX + key);
    } catch (error) {
      return null;
    }
  }

  function writeDraft(store, key, value) {
    try {
      if (value.trim()) {
        store.setItem(DRAFT_PREFIX + key, value);
      } else {
        store.removeItem(DRAFT_PREFIX + key);
      }
    } catch (error) {
      /* Storage full or blocked: the form still works, only the safety net is gone. */
    }
  }

  function draftNotice(textarea, message, actionLabel, action) {
    var notice = document.createElement("p");
    notice.className = "draft-restored";
    notice.setAttribute("role", "status");
    var text = document.createElement("span");
    text.textContent = message;
    notice.appendChild(text);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link";
    button.textContent = actionLabel;
    button.addEventListener("click", function () {
      action();
      notice.remove();
      textarea.focus();
    });
    notice.appendChild(button);
    textarea.insertAdjacentElement("afterend", notice);
  }

  function setUpDrafts() {
    var store = draftStore();
    if (!store) {
      return;
    }
    var cleared = document.body.getAttribute("data-clear-draft");
    if (cleared) {
      try {
        store.removeItem(DRAFT_PREFIX + cleared);
      } catch (error) {
        /* Nothing to clear. */
      }
    }
    document.querySelectorAll("textarea[data-draft-key]").forEach(function (textarea) {
      var key = textarea.getAttribute("data-draft-key");
      if (!key) {
        return;
      }
      var saved = readDraft(store, key);
      var original = textarea.value;
      if (saved && saved !== original) {
        if (!original.trim()) {
          textarea.value = saved;
          draftNotice(textarea, "We restored the draft you didn't post.", "Discard it", function () {
            textarea.value = original;
            writeDraft(store, key, "");
          });
        } else {
          /* The box already holds text (an edit, a quote): offer the draft, don't overwrite. */
          draftNotice(textarea, "You have an unsent draft of this from earlier.", "Use the draft", function () {
            textarea.value = saved;
          });
        }
      }
      var timer = null;
      var save = function () {
        window.clearTimeout(timer);
        timer = null;
        writeDraft(store, key, textarea.value);
      };
      textarea.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(save, DRAFT_DELAY_MS);
      });
      if (textarea.form) {
        textarea.form.addEventListener("submit", save);
      }
      window.addEventListener("pagehide", function () {
        if (timer !== null) {
          save();
        }
      });
    });
  }

  /* Ctrl+Enter (Cmd+Enter on a Mac) in a post box sends the form. */
  function setUpSubmitShortcut() {
    document.querySelectorAll("textarea[data-draft-key]").forEach(function (textarea) {
      textarea.addEventListener("keydown", function (event) {
        if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || !textarea.form) {
          return;
        }
        event.preventDefault();
        if (typeof textarea.form.requestSubmit === "function") {
          textarea.form.requestSubmit();
        } else {
          textarea.form.submit();
        }
      });
    });
  }

  /* Quote: the links open the reply page with the quote filled in. With JavaScript, that page
   * is fetched in the background and its quote goes into the reply box below, in place. */
  function setUpQuotes() {
    var box = document.querySelector("form[data-reply-form] textarea[data-draft-key]");
    if (!box || !window.fetch || !window.DOMParser) {
      return;
    }
    document.querySelectorAll("a[data-quote]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
          return;
        }
        event.preventDefault();
        window
          .fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
          .then(function (response) {
            if (!response.ok) {
              throw new Error("HTTP " + response.status);
            }
            return response.text();
          })
          .then(function (html) {
            var page = new DOMParser().parseFromString(html, "text/html");
            var source = page.querySelector("textarea[name='" + box.name + "']");
            if (!source || !source.value.trim()) {
              throw new Error("No quote on the reply page");
            }
            var before = box.value.replace(/\s+$/, "");
            box.value = (before ? before + "\n\n" : "") + source.value;
            box.dispatchEvent(new Event("input", { bubbles: true }));
            box.scrollIntoView({ block: "center" });
            box.focus();
            box.setSelectionRange(box.value.length, box.value.length);
          })
          .catch(function () {
            window.location.href = link.href;
          });
      });
    });
  }

  /* Narrow screens show the forum's categories as a scrolling row: keep the current one in view. */
  function revealCurrentCategory() {
    var current = document.querySelector(".category-nav [aria-current]");
    var row = current && current.closest(".category-nav");
    if (row && row.scrollWidth > row.clientWidth) {
      row.scrollLeft = current.offsetLeft - row.offsetLeft - 16;
    }
  }

  /* Onboarding: a time zone select still on its default takes the browser's own zone. */
  function preselectBrowserTimeZone() {
    var select = document.querySelector("select[data-browser-time-zone]");
    if (!select || select.value !== select.getAttribute("data-browser-time-zone")) {
      return;
    }
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (error) {
      return;
    }
    if (zone && select.querySelector('option[value="' + zone.replace(/"/g, "") + '"]')) {
      select.value = zone;
    }
  }

  /* The notification bell: poll the unread count (a 304 costs the server nothing when it
     has not changed) while the page is visible, and show it without a reload. */
  var BELL_POLL_MS = 20000;

  function setUpBell() {
    var bell = document.querySelector("[data-bell]");
    if (!bell || !window.fetch) {
      return;
    }
    var badge = bell.querySelector("[data-bell-count]");
    var number = bell.querySelector("[data-bell-number]");
    var url = bell.getAttribute("data-count-url");

    function show(count) {
      number.textContent = count > 99 ? "99+" : String(count);
      badge.hidden = count === 0;
      bell.classList.toggle("has-unread", count > 0);
    }

    function poll() {
      if (document.hidden) {
        return;
      }
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data && typeof data.unread === "number") {
            show(data.unread);
          }
        })
        .catch(function () {});
    }

    window.setInterval(poll, BELL_POLL_MS);
    document.addEventListener("visibilitychange", poll);
  }

  function init() {
    setUpBell();
    preselectBrowserTimeZone();
    setUpNavToggle();
    setUpMenus();
    setUpThemeToggle();
    setUpCopyButtons();
    setUpMessages();
    focusErrorSummary();
    setUpDrafts();
    setUpSubmitShortcut();
    setUpQuotes();
    revealCurrentCategory();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
