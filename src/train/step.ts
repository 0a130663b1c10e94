/**
 * One optimization step of a classifier, kept lean: the forward pass, loss and
 * gradients run in one `optimizer.minimize`, and the running sums of loss and
 * correct predictions stay on the device until somebody reads them.
 */
import { tf } from '../tf';

/** Running training statistics, summed on device between reads. */
export class TrainingTally {
  private loss: tf.Scalar = tf.keep(tf.scalar(0));
  private correct: tf.Scalar = tf.keep(tf.scalar(0));
  private examples = 0;
  private steps = 0;

  add(loss: tf.Scalar, correct: tf.Scalar, examples: number): void {
    const [l, c] = [this.loss, this.correct];
    this.loss = tf.keep(tf.add(l, loss));
    this.correct = tf.keep(tf.add(c, correct));
    tf.dispose([l, c]);
    this.examples += examples;
    this.steps++;
  }

  /** Mean loss per step and accuracy since the last read; resets the tally. */
  read(): { loss: number; accuracy: number } {
    const loss = this.steps === 0 ? NaN : this.loss.dataSync()[0] / this.steps;
    const accuracy = this.examples === 0 ? NaN : this.correct.dataSync()[0] / this.examples;
    this.reset();
    return { loss, accuracy };
  }

  private reset(): void {
    tf.dispose([this.loss, this.correct]);
    this.loss = tf.keep(tf.scalar(0));
    this.correct = tf.keep(tf.scalar(0));
    this.examples = 0;
    this.steps = 0;
  }

  dispose(): void {
    tf.dispose([this.loss, this.correct]);
  }
}

/**
 * Runs one training step of `model` on images `x` [batch, features] with
 * integer labels `labels` [batch], and adds its loss and correct count to `tally`.
 */
export function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor2D,
  labels: tf.Tensor1D,
  classes: number,
  tally: TrainingTally | null,
): void {
  tf.tidy(() => {
    let correct: tf.Scalar | null = null;
    const loss = optimizer.minimize(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor2D;
      // Kept: minimize disposes everything its function makes but the loss.
      if (tally !== null)
        correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')) as tf.Scalar);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, classes), logits) as tf.Scalar;
    }, true) as tf.Scalar;
    if (tally !== null) {
      tally.add(loss, correct!, x.shape[0]);
      tf.dispose(correct!);
    }
  });
}
