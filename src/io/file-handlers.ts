/**
 * `file://` model saving and loading for tfjs without tfjs-node, in tfjs-node's
 * layout: `model.save('file://dir')` writes `dir/model.json` and
 * `dir/weights.bin`; `tf.loadLayersModel('file://dir/model.json')` reads them.
 * The routers answer only while tfjs-node is not loaded, so its own handlers
 * are never shadowed (tfjs refuses a URL that two handlers claim).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tf } from '../tf';
import { writeFileAtomic } from './atomic';

const SCHEME = 'file://';
const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

function tfjsNodeLoaded(): boolean {
  return Object.keys(require.cache).some((k) => /[\\/]@tensorflow[\\/]tfjs-node(-gpu)?[\\/]/.test(k));
}

function weightBuffer(data: tf.io.WeightData): ArrayBuffer {
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
}

/** Saves into a directory (created if missing): model.json, then weights.bin, each written atomically. */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return {
    save: async (artifacts) => {
      if (artifacts.modelTopology instanceof ArrayBuffer)
        throw new Error(`file:// saving of binary model topologies is not supported (${dir})`);
      mkdirSync(dir, { recursive: true });
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : weightBuffer(artifacts.weightData);
      const modelJSON: Record<string, unknown> = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      for (const key of [
        'trainingConfig',
        'signature',
        'userDefinedMetadata',
        'modelInitializer',
        'initializerSignature',
      ] as const) {
        if (artifacts[key] != null) modelJSON[key] = artifacts[key];
      }
      writeFileAtomic(join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      writeFileAtomic(join(dir, MODEL_JSON), JSON.stringify(modelJSON));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
  };
}

/** Loads model.json and the weight files its manifest names, relative to it. */
export function fileLoadHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    load: async () => {
      let modelJSON: tf.io.ModelJSON;
      try {
        modelJSON = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      } catch (err) {
        throw new Error(`Cannot load ${modelJsonPath}: ${(err as Error).message}`);
      }
      return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const path of group.paths) {
            const bytes = readFileSync(join(dirname(modelJsonPath), path));
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
          }
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

function pathOf(url: string | string[]): string | null {
  if (Array.isArray(url) || !url.startsWith(SCHEME) || tfjsNodeLoaded()) return null;
  return resolve(url.slice(SCHEME.length));
}

let registered = false;

/** Registers the file:// routers with the tfjs the kit uses, once. */
export function registerFileHandlers(): void {
  if (registered) return;
  registered = true;
  // A router answers null for URLs it does not handle (its declared type says otherwise).
  type Router = Parameters<typeof tf.io.registerSaveRouter>[0];
  tf.io.registerSaveRouter(((url: string | string[]) => {
    const dir = pathOf(url);
    return dir === null ? null : fileSaveHandler(dir);
  }) as Router);
  tf.io.registerLoadRouter(((url: string | string[]) => {
    const path = pathOf(url);
    return path === null ? null : fileLoadHandler(path.endsWith('.json') ? path : join(path, MODEL_JSON));
  }) as Router);
}
