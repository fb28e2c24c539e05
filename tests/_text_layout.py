"""Shared check for figures: no two text labels overlap and none leaves the canvas."""


def text_collisions(fig, pad=0.0):
    """(overlapping pairs, labels outside the canvas) of the visible, non-empty texts of fig."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for ax in fig.axes for t in ax.texts if t.get_visible() and t.get_text().strip()]
    texts += [ax.title for ax in fig.axes if ax.get_title()]
    boxes = [(t.get_text(), t.get_window_extent(renderer).expanded(1 + pad, 1 + pad)) for t in texts]
    W, H = fig.bbox.width, fig.bbox.height
    overlaps = [(a, b) for i, (a, ba) in enumerate(boxes) for (b, bb) in boxes[i + 1:] if ba.overlaps(bb)]
    outside = [a for a, bb in boxes if bb.x0 < 0 or bb.y0 < 0 or bb.x1 > W or bb.y1 > H]
    return overlaps, outside
