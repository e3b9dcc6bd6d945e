/** PodDisruptionBudget helpers of the pdb-* checks (the semantics live in the model). */
export * from '../../model/pdb.js';
