"""Drawing what the analyses found: the CJK font and text widths, and the chain map as a
vector drawing (PDF, SVG, PNG) from the same layout the app draws."""
