/*
 * 常用回复: choosing a template puts its text (placeholders already filled in by
 * the server) into the answer box, where staff edit it before sending.
 *
 * Markup (templates/threads/detail.html):
 *   <div data-reply-templates data-target="reply-body" hidden>
 *     <select><option data-text="...">title</option>...</select>
 *   </div>
 * Without JavaScript the block stays hidden and the list beside it is there to copy from.
 */
(function () {
  "use strict";

  function setUp(block) {
    var select = block.querySelector("select");
    var target = document.getElementById(block.getAttribute("data-target"));
    if (!select || !target) {
      return;
    }
    block.hidden = false;
    // Focus stays on the list: from the keyboard, each arrow key is a "change", and moving
    // focus away on the first one would leave no way to look through the others. Tab goes on
    // to the answer box. A template only replaces an empty box or one still holding the last
    // template untouched, so browsing the list never wipes out what staff have written.
    var inserted = null;
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var text = option && option.getAttribute("data-text");
      if (!text || (target.value.trim() !== "" && target.value !== inserted)) {
        return;
      }
      target.value = inserted = text;
      target.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  document.querySelectorAll("[data-reply-templates]").forEach(setUp);
}());
