/* Dashboard pages: the "Print" buttons are hidden without JavaScript (the browser's own print
 * menu does the same); the print stylesheet lays the page out for a board packet. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
