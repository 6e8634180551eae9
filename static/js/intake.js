// Choosing a known-person candidate links the consultation to that person (no inline scripts: CSP).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-choose-person]");
  if (!button) return;
  const id = button.getAttribute("data-choose-person");
  document.getElementById("id_person_id").value = id;
  document.getElementById("chosen-person-text").textContent =
    `${button.getAttribute("data-label")} を選びました。` +
    (button.getAttribute("data-chosen") || "この方の相談として記録します（下の本人欄の入力は使われません）。");
  document.getElementById("chosen-person").hidden = false;
  document.getElementById("candidates").replaceChildren();
});

document.addEventListener("click", (event) => {
  if (event.target.id !== "unchoose-person") return;
  document.getElementById("id_person_id").value = "";
  document.getElementById("chosen-person").hidden = true;
});

// The consent details only apply to 同意あり.
function syncConsentDetails() {
  const details = document.getElementById("consent-details");
  const no = document.querySelector('input[name="consent"][value="no"]');
  if (details && no) details.hidden = no.checked;
}
document.addEventListener("change", (event) => {
  if (event.target.name === "consent") syncConsentDetails();
});
document.addEventListener("DOMContentLoaded", syncConsentDetails);
