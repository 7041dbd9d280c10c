// Heatmap click listener (a Streamlit custom component v2: mounted in the page, no iframe, no body).
// It listens for clicks on the heatmap cells of one plotly chart of the page, the one in the
// container keyed `data.chart_key`, and sends {unit, gate, column} to Python as the trigger
// value `click` (one rerun per click). No library is loaded and nothing is fetched.
export default function ({ data, setTriggerValue }) {
  const chartKey = data && data.chart_key;
  if (!chartKey) return undefined;
  function attach() {
    const gd = document.querySelector(`.st-key-${chartKey} .js-plotly-plot`);
    if (!gd || typeof gd.on !== "function") return;
    gd.__unitSend = setTriggerValue; // the newest mount's sender (a rerun may mount again)
    if (gd.__unitClick === chartKey) return;
    gd.__unitClick = chartKey;
    gd.on("plotly_click", (ev) => {
      const p = ((ev && ev.points) || []).find((q) => q.data && q.data.type === "heatmap");
      // the row's index is the unit (0-based); its y is the number shown, counted from 1
      if (!p || !Array.isArray(p.pointNumber) || typeof p.pointNumber[0] !== "number") return;
      gd.__unitSend("click", { unit: p.pointNumber[0], gate: p.data.name || "", column: p.pointNumber[1] });
    });
  }
  attach();
  const timer = setInterval(attach, 400); // the chart is drawn (and redrawn) after this mounts
  return () => clearInterval(timer);
}
