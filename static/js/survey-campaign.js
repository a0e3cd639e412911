/* The campaign page: a button that copies the survey link. Without JavaScript the link is a
 * read-only field to select and copy by hand. */
(function () {
  "use strict";

  var buttons = document.querySelectorAll("[data-copy-target]");
  for (var i = 0; i < buttons.length; i++) {
    (function (button) {
      var field = document.getElementById(button.dataset.copyTarget);
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        field.select();
        var shown = function () {
          button.textContent = button.dataset.copied;
          window.setTimeout(function () { button.textContent = label; }, 2000);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(shown, function () {});
        } else if (document.execCommand("copy")) {
          shown();
        }
      });
    })(buttons[i]);
  }
})();
