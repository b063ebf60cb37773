/* Posts: a copy button on every code block, and like / watch / accept acting in place.
 * Without this file the code is selectable and those forms post and reload the page. */
(function () {
  "use strict";

  /* A Copy button above each code block of a post (the block itself takes the keyboard
   * focus to scroll: the server gives it tabindex="0"). */
  function addCopyButtons(root) {
    if (!navigator.clipboard || !window.isSecureContext) {
      return;
    }
    root.querySelectorAll(".prose pre").forEach(function (pre) {
      if (pre.parentElement.classList.contains("code-block")) {
        return;
      }
      var wrapper = document.createElement("div");
      wrapper.className = "code-block";
      pre.parentNode.insertBefore(wrapper, pre);
      wrapper.appendChild(pre);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-ghost btn-sm code-copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy the code");
      var status = document.createElement("span");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(pre.innerText.replace(/\n$/, "")).then(function () {
          button.textContent = "Copied";
          status.textContent = "Code copied to the clipboard.";
          window.setTimeout(function () {
            button.textContent = "Copy";
            status.textContent = "";
          }, 2000);
        });
      });
      wrapper.appendChild(button);
      wrapper.appendChild(status);
    });
  }

  /* Forms marked data-inplace="id [id…]" post in the background: the page the server
   * answers with (the form's usual redirect) is read, and the elements with those ids and the
   * messages are swapped in. Anything unexpected: the form is posted the usual way. */
  function submitInPlace(form, submitter) {
    var ids = form.getAttribute("data-inplace").split(/\s+/).filter(Boolean);
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    var focusKey = submitter ? submitter.getAttribute("data-inplace-key") : null;
    form.setAttribute("aria-busy", "true");
    return fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var swaps = ids.map(function (id) {
          return [document.getElementById(id), page.getElementById(id)];
        });
        if (swaps.some(function (pair) { return !pair[0] || !pair[1]; })) {
          throw new Error("The answer lacks what to swap");
        }
        var freshOnes = swaps.map(function (pair) {
          var fresh = document.importNode(pair[1], true);
          pair[0].replaceWith(fresh);
          setUp(fresh);
          return fresh;
        });
        var messages = document.querySelector(".messages");
        var freshMessages = page.querySelector(".messages");
        if (messages && freshMessages) {
          messages.innerHTML = freshMessages.innerHTML;
        }
        /* Keep the keyboard where it was: the same control, or the swapped part's first
         * one when that control is gone or folded away (a closed menu). */
        var again = focusKey && document.querySelector('[data-inplace-key="' + focusKey + '"]');
        if (!again || !again.offsetParent) {
          again = freshOnes[0].querySelector("summary, button, a");
        }
        if (again) {
          again.focus();
        }
      })
      .catch(function () {
        form.removeAttribute("data-inplace");
        if (submitter && submitter.name) {
          var carried = document.createElement("input");
          carried.type = "hidden";
          carried.name = submitter.name;
          carried.value = submitter.value;
          form.appendChild(carried);
        }
        form.submit();
      });
  }

  function setUp(root) {
    addCopyButtons(root);
    if (!window.fetch || !window.DOMParser) {
      return;
    }
    var forms = root.matches && root.matches("form[data-inplace]") ? [root] : [];
    root.querySelectorAll("form[data-inplace]").forEach(function (form) {
      forms.push(form);
    });
    forms.forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!form.hasAttribute("data-inplace")) {
          return;
        }
        event.preventDefault();
        submitInPlace(form, event.submitter);
      });
    });
  }

  setUp(document);
})();
