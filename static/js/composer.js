/*
 * Live length counter for textareas with data-max-length.
 *
 * Counts exactly like the server (weibo_app/core/text.py: weibo_length, whose
 * docstring states the rule): the length of the text as it will be stored.
 * Clean it in the server's order: CR/LF -> LF, tab -> space, U+2028 -> LF,
 * U+2029 -> two LF; drop controls (Cc, except LF), format characters (Cf:
 * zero-width, bidirectional, soft hyphen, BOM, tags) and lone surrogates (Cs);
 * only then NFC (so a combining mark a zero-width character kept apart
 * composes); 3+ newlines -> 2; trim. Then by code point a half-width
 * character counts 1/2 and anything else 1, rounded up.
 * tests/data/weibo_length_vectors.json holds the cases both sides must agree
 * on; tests/test_text_length.py runs them here under Node.
 *
 * Markup:
 *   <textarea data-max-length="140" data-counter="post-counter" ...>
 *   <p id="post-counter" aria-live="polite"
 *      data-text-count="已输入 {count} / {max} 字"
 *      data-text-over="已输入 {count} / {max} 字，超出 {over} 字">
 * Without data-counter, the counter is the element among the textarea's
 * aria-describedby ids that carries data-text-count.
 */
(function () {
  "use strict";

  var MANY_BLANK_LINES = /\n{3,}/g;
  // Cc (except LF, kept by the replace callback), Cf and Cs: what the server drops.
  var DROPPED = dropPattern();

  function dropPattern() {
    try {
      return new RegExp("[\\p{Cc}\\p{Cf}\\p{Cs}]", "gu");
    } catch (err) {
      // A browser without Unicode property escapes: the common cases by hand.
      return /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;
    }
  }

  function normalize(text) {
    if (!text) {
      return "";
    }
    text = text.replace(/\r\n/g, "\n").replace(/\r/g, "\n");
    text = text.replace(/\t/g, " ");
    text = text.replace(/\u2028/g, "\n").replace(/\u2029/g, "\n\n");
    text = text.replace(DROPPED, function (ch) {
      return ch === "\n" ? ch : "";
    });
    if (typeof text.normalize === "function") {
      text = text.normalize("NFC");
    }
    text = text.replace(MANY_BLANK_LINES, "\n\n");
    return text.trim();
  }

  function isHalfWidth(code) {
    return code < 0x80 ||
      (code >= 0xff61 && code <= 0xffdc) ||
      (code >= 0xffe8 && code <= 0xffee);
  }

  function weiboLength(text) {
    var halves = 0;
    var clean = normalize(text);
    // for...of walks code points, so an astral character (emoji) counts once.
    for (var ch of clean) {
      halves += isHalfWidth(ch.codePointAt(0)) ? 1 : 2;
    }
    return Math.ceil(halves / 2);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function findCounter(area) {
    var id = area.getAttribute("data-counter");
    if (id) {
      return document.getElementById(id);
    }
    var ids = (area.getAttribute("aria-describedby") || "").split(/\s+/);
    for (var i = 0; i < ids.length; i += 1) {
      var el = ids[i] && document.getElementById(ids[i]);
      if (el && el.hasAttribute("data-text-count")) {
        return el;
      }
    }
    return null;
  }

  function attach(area) {
    var max = parseInt(area.getAttribute("data-max-length"), 10);
    var counter = findCounter(area);
    if (!counter || !(max > 0)) {
      return;
    }
    var countText = counter.getAttribute("data-text-count") || "{count} / {max}";
    var overText = counter.getAttribute("data-text-over") || "{count} / {max} (+{over})";
    // The server may have marked the field invalid for another reason (e.g. empty).
    var serverInvalid = area.getAttribute("aria-invalid") === "true";
    var lastText = null;

    function update() {
      var count = weiboLength(area.value);
      var over = count - max;
      var values = { count: count, max: max, over: over };
      var text = fill(over > 0 ? overText : countText, values);
      if (over > 0) {
        area.setAttribute("aria-invalid", "true");
        counter.classList.add("counter-over");
      } else {
        if (!serverInvalid) {
          area.setAttribute("aria-invalid", "false");
        }
        counter.classList.remove("counter-over");
      }
      // Only touch the live region when the words change, so screen readers are not flooded.
      if (text !== lastText) {
        counter.textContent = text;
        lastText = text;
      }
    }

    area.addEventListener("input", function () {
      serverInvalid = false;
      update();
    });
    update();
  }

  function init() {
    var areas = document.querySelectorAll("textarea[data-max-length]");
    for (var i = 0; i < areas.length; i += 1) {
      attach(areas[i]);
    }
  }

  if (typeof document !== "undefined") {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", init);
    } else {
      init();
    }
  }

  // Exposed for tests run in a browser or under Node.
  if (typeof window !== "undefined") {
    window.weiboLength = weiboLength;
  }
  if (typeof module !== "undefined" && module.exports) {
    module.exports = { normalize: normalize, weiboLength: weiboLength };
  }
}());
