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

// PHQ-9 item 9 above 0 is flagged as it is answered (the server flags it too, on "Check scores").
const item9Warning = document.querySelector("[data-item9-warning]");
if (item9Warning) {
  const item9 = () => document.querySelector("input[name='phq9-9']:checked");
  const flag = () => {
    const answer = item9();
    item9Warning.hidden = !(answer && Number(answer.value) > 0);
  };
  document.querySelectorAll("input[name='phq9-9']").forEach((input) => input.addEventListener("change", flag));
  flag();
}

// A radio's conditional questions (`data-reveals`): shown while it is chosen. Without scripts they are always shown.
document.querySelectorAll("input[type=radio][data-reveals]").forEach((radio) => {
  const group = document.querySelectorAll(`input[type=radio][name='${radio.name}']`);
  const sync = () => {
    const revealed = document.getElementById(radio.dataset.reveals);
    if (revealed) revealed.classList.toggle("nhsuk-radios__conditional--hidden", !radio.checked);
  };
  group.forEach((input) => input.addEventListener("change", sync));
  sync();
});
