package dev.optbench.optim;

/** One state array of an {@link UpdateRule}: its name and the value every element starts at. */
public record StateInit(String name, double value) {}
