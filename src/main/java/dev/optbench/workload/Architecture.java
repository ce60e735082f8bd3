package dev.optbench.workload;

/** The model families of SPEC section 6; {@link Models} builds them at full or tiny size. */
public enum Architecture {
    CNN_2C2D, MLP, CNN_3C3D, RESNET32, VGG16, CHAR_LSTM, TRANSFORMER, RESNET50
}
