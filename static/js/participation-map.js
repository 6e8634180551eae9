// The community-resource map (参加支援): the tenant's own tile server, data from a JSON script tag (CSP: no inline scripts).
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.getElementById("resource-map");
  const source = document.getElementById("resource-map-data");
  if (!holder || !source || typeof L === "undefined") return;
  const config = JSON.parse(source.textContent);
  holder.style.height = "420px";
  const map = L.map(holder).setView(config.center, 13);
  L.tileLayer(config.tiles, { maxZoom: 18, attribution: config.attribution || "" }).addTo(map);
  const markers = config.points.map((point) => {
    const link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;
    const popup = document.createElement("div");
    popup.append(link, document.createElement("br"), `${point.kind}・${point.status}`);
    return L.marker([point.lat, point.lon], { title: point.name, alt: point.name }).bindPopup(popup).addTo(map);
  });
  if (markers.length > 1) map.fitBounds(L.featureGroup(markers).getBounds().pad(0.2));
});
