package dev.optbench.report;

import org.knowm.xchart.internal.chartpart.Chart;

/**
 * One figure of the report: {@code id} names its files (id.png, id.svg, safe characters only),
 * {@code section} is the SPEC section 9 item it belongs to, {@code caption} is plain text.
 */
public record Figure(String id, int section, String title, String caption, Chart<?, ?> chart) {}
