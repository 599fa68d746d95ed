package io.telos.bridge.sim;

import boofcv.alg.drawing.FiducialImageEngine;
import boofcv.alg.fiducial.square.FiducialSquareHammingGenerator;
import boofcv.factory.fiducial.ConfigHammingMarker;
import boofcv.factory.fiducial.HammingDictionary;
import boofcv.struct.image.GrayU8;
import io.telos.api.camera.CameraSpec;

/**
 * The cell patterns of AprilTag 36h11 markers for the simulated camera: each marker is an 8 × 8
 * grid (a one-cell black border around 6 × 6 data cells), drawn by BoofCV's own marker generator
 * and read back cell by cell, so the simulator paints exactly what a detector of that family
 * looks for.
 */
final class MarkerPatterns {
  /** Cells per side of the black square. */
  static final int CELLS = 8;
  private static final int CELL_PX = 16;

  private final ConfigHammingMarker dictionary = ConfigHammingMarker.loadDictionary(HammingDictionary.APRILTAG_36h11);

  /** Cells of marker {@code id}, row-major from the top-left as printed; {@code true} is black. */
  boolean[] cells(int id) {
    if (id < 0 || id >= CameraSpec.MARKER_IDS || id >= dictionary.encoding.size()) {
      throw new IllegalArgumentException("marker id " + id + " is not in AprilTag 36h11 (0.."
          + (dictionary.encoding.size() - 1) + ")");
    }
    int side = CELLS * CELL_PX;
    FiducialImageEngine engine = new FiducialImageEngine();
    engine.configure(0, side);
    FiducialSquareHammingGenerator generator = new FiducialSquareHammingGenerator(dictionary);
    generator.setRenderer(engine);
    generator.setMarkerWidth(side);
    generator.generate(id);
    GrayU8 img = engine.getGray();
    boolean[] out = new boolean[CELLS * CELLS];
    for (int r = 0; r < CELLS; r++) {
      for (int c = 0; c < CELLS; c++) {
        out[r * CELLS + c] = img.get(c * CELL_PX + CELL_PX / 2, r * CELL_PX + CELL_PX / 2) < 128;
      }
    }
    return out;
  }
}
