/**
 * What the dashboard knows of the model in service: `GET /api/models/current`. Browser code
 * imports this module.
 */
import type { Label } from '../sentiment.ts';

export interface CurrentModel {
  /** config.json `_name_or_path`, else the folder's name. */
  name: string;
  /** `sha256:` and the first 12 hex digits of the ONNX file: changes whenever the weights do. */
  version: string;
  /** The ONNX file, relative to the model folder. */
  file: string;
  /** Pulse's label of each output class, in class order. */
  labels: Label[];
  /** `shipped`: the model in the repository; `folder`: one named by MODEL_DIR; `trained`: a promoted training job's. */
  source: 'shipped' | 'folder' | 'trained';
  /** From the folder's metrics.json (the shipped model has one); null when it has none. */
  trainedAt: string | null;
}
