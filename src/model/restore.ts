import { ModelFileError } from '../errors.js';
import { restoreBlend } from './blend.js';
import { restoreGbdt } from './gbdt/estimator.js';
import { restoreLogistic } from './logistic/estimator.js';
import type { FittedModel, ModelState } from './types.js';

/** Rebuilds a fitted model from its saved state, whatever its type. */
export function restoreModel(state: ModelState): FittedModel {
  if (state === null || typeof state !== 'object') throw new ModelFileError('MODEL_CORRUPTED', 'model: expected an object');
  switch (state.type) {
    case 'logistic':
      return restoreLogistic(state);
    case 'gbdt':
      return restoreGbdt(state);
    case 'blend':
      return restoreBlend(state, restoreModel);
    default:
      throw new ModelFileError('MODEL_CORRUPTED', `model.type: unknown model type ${JSON.stringify((state as { type?: unknown }).type)}`);
  }
}
