// The rendered chain map (ECharts' SVG renderer), in page px: the status-coloured boxes,
// every text, and the tip of every arrowhead (the first point of its path). Called with
// {status: [colours], arrow: colour}.
({status, arrow}) => {
  const svg = document.querySelector('div[_echarts_instance_] svg');
  if (!svg) return null;
  const rect = (r) => ({x: r.left, y: r.top, r: r.right, b: r.bottom});
  const boxes = [], tips = [], texts = [];
  for (const el of svg.querySelectorAll('path')) {
    const fill = (el.getAttribute('fill') || '').toLowerCase();
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (status.includes(fill)) boxes.push(rect(r));
    else if (fill === arrow) {
      const p = el.getPointAtLength(0), m = el.getScreenCTM();
      tips.push({x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f});
    }
  }
  for (const el of svg.querySelectorAll('text')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && el.textContent.trim()) texts.push({...rect(r), t: el.textContent});
  }
  const holder = svg.closest('div[_echarts_instance_]').parentElement.getBoundingClientRect();
  return {boxes, tips, texts, svg: rect(svg.getBoundingClientRect()), holder: rect(holder),
          viewport: window.innerWidth};
}
