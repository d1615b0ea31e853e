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
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var text = option && option.getAttribute("data-text");
      if (!text) {
        return;
      }
      target.value = text;
      target.dispatchEvent(new Event("input", { bubbles: true }));
      target.focus();
    });
  }

  document.querySelectorAll("[data-reply-templates]").forEach(setUp);
}());
