package dev.optbench.report;

/** A figure rendered to PNG and SVG bytes. */
record RenderedFigure(Figure figure, byte[] png, byte[] svg) {}
