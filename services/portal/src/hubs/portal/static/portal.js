// Progressive enhancement: NHS.UK frontend components, and each measure's score and band
// shown as the clinician answers. Every page works without it (the server scores too).
import { initAll } from "./nhsuk/nhsuk-frontend.min.js";

initAll();

function bandOf(bands, total) {
  let found = null;
  for (const [lowest, label] of bands) {
    if (total >= lowest) found = label;
  }
  return found;
}

function scoreMeasure(group) {
  const items = Number(group.dataset.items);
  const maximum = Number(group.dataset.maximum);
  const bands = (group.dataset.bands || "")
    .split(";")
    .filter(Boolean)
    .map((pair) => {
      const [lowest, label] = pair.split(":");
      return [Number(lowest), label];
    });
  const positiveAt = group.dataset.positiveAt === "" ? null : Number(group.dataset.positiveAt);
  const checked = group.querySelectorAll("input[type=radio]:checked");
  let total = 0;
  checked.forEach((input) => {
    total += Number(input.value);
  });
  let text = `Answered ${checked.length} of ${items}`;
  if (checked.length === items) {
    text = `Score ${total} of ${maximum}`;
    const band = bandOf(bands, total);
    if (band) text += `: ${band}`;
    else if (positiveAt !== null) text += `: ${total >= positiveAt ? "positive" : "negative"} screen`;
  }
  const out = group.querySelector("[data-score-text]");
  if (out && out.textContent !== text) out.textContent = text;
}

document.querySelectorAll("[data-measure]").forEach((group) => {
  group.addEventListener("change", () => scoreMeasure(group));
  scoreMeasure(group);
});
