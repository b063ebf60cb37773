/* The composer: Write / Preview, images by pick, paste or drop, @mention suggestions, and
 * similar threads while a question's title is typed. Every post form works without this
 * file: Preview is then a submit button and an image is uploaded with the form. */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function debounce(fn, wait) {
    var timer = null;
    return function () {
      var args = arguments;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        fn.apply(null, args);
      }, wait);
    };
  }

  function postForm(url, form, data) {
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(form), Accept: "application/json" },
    }).then(function (response) {
      return response.json().then(function (payload) {
        return { ok: response.ok, payload: payload };
      });
    });
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(
      function (response) {
        return response.ok ? response.json() : { results: [] };
      }
    );
  }

  /* Put `text` where the cursor is (on a line of its own for an image). */
  function insertAt(textarea, text, start, end) {
    var value = textarea.value;
    textarea.value = value.slice(0, start) + text + value.slice(end);
    var caret = start + text.length;
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function setUpComposer(box) {
    var form = box.closest("form");
    var textarea = box.querySelector("[data-composer-text]");
    var preview = box.querySelector("[data-composer-preview]");
    var write = box.querySelector("[data-composer-write]");
    var modes = box.querySelector("[data-composer-modes]");
    var previewSubmit = box.querySelector("[data-composer-preview-submit]");
    var status = box.querySelector("[data-composer-status]");
    var picker = box.querySelector("[data-composer-image]");
    if (!form || !textarea) {
      return;
    }

    function say(message) {
      if (status) {
        status.textContent = message;
      }
    }

    /* Write / Preview. */
    if (modes && preview) {
      modes.hidden = false;
      if (previewSubmit) {
        previewSubmit.hidden = true;
      }
      var buttons = modes.querySelectorAll("[data-composer-mode]");
      var showMode = function (mode) {
        buttons.forEach(function (button) {
          button.setAttribute("aria-pressed", String(button.getAttribute("data-composer-mode") === mode));
        });
        write.hidden = mode === "preview";
        preview.hidden = mode !== "preview";
      };
      if (!preview.hidden) {
        showMode("preview");
      }
      buttons.forEach(function (button) {
        button.addEventListener("click", function () {
          var mode = button.getAttribute("data-composer-mode");
          if (mode === "write") {
            showMode("write");
            textarea.focus();
            return;
          }
          var data = new FormData();
          data.append("body", textarea.value);
          preview.textContent = "Rendering the preview…";
          showMode("preview");
          postForm(box.getAttribute("data-preview-url"), form, data)
            .then(function (result) {
              if (result.ok) {
                preview.innerHTML = result.payload.html; /* sanitised by the server, as saved */
              } else {
                preview.textContent = result.payload.detail || "Nothing to preview yet.";
              }
              preview.focus();
            })
            .catch(function () {
              preview.textContent = "The preview could not be loaded. Check your connection.";
            });
        });
      });
    }

    /* Images: pick, paste or drop; uploaded at once, inserted where the cursor was. */
    function upload(file) {
      if (!file || !/^image\//.test(file.type)) {
        return;
      }
      var start = textarea.selectionStart;
      var end = textarea.selectionEnd;
      var data = new FormData();
      data.append("image", file, file.name || "screenshot.png");
      say("Uploading " + (file.name || "the image") + "…");
      postForm(box.getAttribute("data-upload-url"), form, data)
        .then(function (result) {
          if (!result.ok) {
            say(result.payload.detail || "The image could not be added.");
            return;
          }
          var before = textarea.value.slice(0, start);
          var lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
          insertAt(textarea, lead + result.payload.markdown + "\n", start, end);
          say("Image added.");
          textarea.focus();
        })
        .catch(function () {
          say("The image could not be uploaded. Check your connection and try again.");
        });
    }
    if (picker) {
      picker.addEventListener("change", function () {
        var file = picker.files && picker.files[0];
        picker.value = ""; /* uploaded now: not again with the form */
        upload(file);
      });
    }
    textarea.addEventListener("paste", function (event) {
      var files = event.clipboardData && event.clipboardData.files;
      if (files && files.length && /^image\//.test(files[0].type)) {
        event.preventDefault();
        upload(files[0]);
      }
    });
    textarea.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") !== -1) {
        event.preventDefault();
      }
    });
    textarea.addEventListener("drop", function (event) {
      var files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length) {
        event.preventDefault();
        upload(files[0]);
      }
    });

    setUpMentions(box, textarea);
  }

  /* @mention suggestions: a listbox under the text, driven from the keyboard (arrows, Enter
   * or Tab to pick, Escape to close) or the pointer. The textarea keeps the focus and points
   * at the active option with aria-activedescendant. */
  function setUpMentions(box, textarea) {
    var list = box.querySelector("[data-mention-list]");
    var url = box.getAttribute("data-mentions-url");
    if (!list || !url) {
      return;
    }
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", list.id);
    var options = [];
    var active = -1;
    var token = null;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      options = [];
      active = -1;
      textarea.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      options.forEach(function (option, i) {
        option.element.setAttribute("aria-selected", String(i === index));
      });
      if (index >= 0) {
        textarea.setAttribute("aria-activedescendant", options[index].element.id);
      }
    }

    function pick(index) {
      var option = options[index];
      if (!option || !token) {
        return;
      }
      var text = "@" + option.handle + " ";
      insertAt(textarea, text, token.start, token.end);
      close();
      textarea.focus();
    }

    function currentToken() {
      var caret = textarea.selectionStart;
      if (caret !== textarea.selectionEnd) {
        return null;
      }
      var before = textarea.value.slice(0, caret);
      var match = /(^|[^\w@`])@([A-Za-z0-9_]{1,30})$/.exec(before);
      return match ? { prefix: match[2], start: caret - match[2].length - 1, end: caret } : null;
    }

    var lookUp = debounce(function (found) {
      getJson(url + "?q=" + encodeURIComponent(found.prefix))
        .then(function (payload) {
          var now = currentToken();
          if (!now || now.prefix !== found.prefix) {
            return; /* typed on meanwhile */
          }
          token = now;
          list.innerHTML = "";
          options = (payload.results || []).map(function (person, i) {
            var item = document.createElement("li");
            item.id = list.id + "-" + i;
            item.setAttribute("role", "option");
            item.setAttribute("aria-selected", "false");
            item.className = "mention-option";
            var name = document.createElement("span");
            name.className = "mention-option-name";
            name.textContent = person.name;
            var handle = document.createElement("span");
            handle.className = "mention-option-handle";
            handle.textContent = "@" + person.handle;
            item.appendChild(name);
            item.appendChild(handle);
            item.addEventListener("mousedown", function (event) {
              event.preventDefault(); /* keep the focus in the text */
              pick(i);
            });
            list.appendChild(item);
            return { handle: person.handle, element: item };
          });
          if (options.length) {
            list.hidden = false;
            highlight(0);
          } else {
            close();
          }
        })
        .catch(close);
    }, 150);

    textarea.addEventListener("input", function () {
      var found = currentToken();
      if (!found) {
        close();
        return;
      }
      lookUp(found);
    });
    textarea.addEventListener("keydown", function (event) {
      if (list.hidden || !options.length) {
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        pick(active < 0 ? 0 : active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    textarea.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
  }

  /* Similar threads while a title is typed (new thread form). */
  function setUpSimilar() {
    var panel = document.querySelector("[data-similar]");
    var input = document.querySelector("[data-similar-title]");
    if (!panel || !input) {
      return;
    }
    var list = panel.querySelector("[data-similar-list]");
    var status = document.querySelector("[data-similar-status]");
    var url = panel.getAttribute("data-similar-url");
    var last = "";
    var look = debounce(function () {
      var title = input.value.trim();
      if (title === last) {
        return;
      }
      last = title;
      if (title.length < 8) {
        panel.hidden = true;
        return;
      }
      getJson(url + "?title=" + encodeURIComponent(title)).then(function (payload) {
        var results = payload.results || [];
        list.innerHTML = "";
        results.forEach(function (thread) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = thread.url;
          link.textContent = thread.title;
          link.target = "_blank";
          link.rel = "noopener";
          item.appendChild(link);
          var detail = document.createElement("span");
          detail.className = "similar-detail";
          detail.textContent =
            (thread.is_solved ? " Solved · " : " ") +
            thread.reply_count +
            (thread.reply_count === 1 ? " reply" : " replies");
          item.appendChild(detail);
          list.appendChild(item);
        });
        panel.hidden = results.length === 0;
        if (status) {
          status.textContent = results.length
            ? results.length + " similar thread" + (results.length === 1 ? "" : "s") + " below the title."
            : "";
        }
      });
    }, 400);
    input.addEventListener("input", look);
  }

  /* The new-thread form: a category meant for questions starts the thread as a question,
   * unless the member chose the kind themselves. */
  function setUpKindByCategory() {
    var holder = document.querySelector("[data-question-categories]");
    var select = holder && holder.querySelector("select");
    var radios = document.querySelectorAll("input[type=radio][name=kind]");
    if (!select || !radios.length) {
      return;
    }
    var ids = (holder.getAttribute("data-question-categories") || "").split(",").filter(Boolean);
    var chosen = false;
    radios.forEach(function (radio) {
      radio.addEventListener("change", function () {
        chosen = true;
      });
    });
    select.addEventListener("change", function () {
      if (chosen) {
        return;
      }
      var kind = ids.indexOf(select.value) !== -1 ? "question" : "discussion";
      radios.forEach(function (radio) {
        radio.checked = radio.value === kind;
      });
    });
  }

  document.querySelectorAll("[data-composer]").forEach(setUpComposer);
  setUpSimilar();
  setUpKindByCategory();
})();
