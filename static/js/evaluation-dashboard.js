// Draws the dashboard's charts from the JSON data element (no inline script: CSP). Suppressed counts are null.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    Chart.defaults.font.family = "'IPAexGothic', 'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic', sans-serif";
    Chart.defaults.animation = false; // printing and screenshots see the finished chart
    var blue = "#1f5f99", orange = "#d9822b";
    var common = {
      responsive: true, maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    };
    function chart(id, config) {
      var canvas = document.getElementById(id);
      if (canvas) { new Chart(canvas, config); }
    }
    chart("chart-trend", { type: "bar", options: common, data: {
      labels: data.trend.labels,
      datasets: [
        { label: "実数", data: data.trend.real, backgroundColor: blue },
        { label: "のべ", data: data.trend.all, backgroundColor: orange },
      ] } });
    chart("chart-monthly", { type: "line", options: common, data: {
      labels: data.months,
      datasets: [
        { label: "実数", data: data.monthly.real, borderColor: blue, backgroundColor: blue, spanGaps: false },
        { label: "のべ", data: data.monthly.all, borderColor: orange, backgroundColor: orange, spanGaps: false },
      ] } });
    var horizontal = { responsive: true, maintainAspectRatio: false, indexAxis: "y",
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false } } } };
    chart("chart-problems", { type: "bar", options: horizontal, data: {
      labels: data.problems.labels, datasets: [{ label: "件数", data: data.problems.values, backgroundColor: blue }] } });
    chart("chart-agencies", { type: "bar", options: horizontal, data: {
      labels: data.agencies.labels, datasets: [{ label: "件数", data: data.agencies.values, backgroundColor: orange }] } });
    chart("chart-states", { type: "bar", options: horizontal, data: {
      labels: data.states.labels, datasets: [{ label: "件数", data: data.states.values, backgroundColor: blue }] } });
  }
  window.addEventListener("beforeprint", function () {
    if (typeof Chart === "undefined") { return; }
    Object.values(Chart.instances || {}).forEach(function (c) { c.resize(); });
  });
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
