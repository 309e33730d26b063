/** The page reader moved to src/demo (the demo's simulated customers read pages too). */
export * from '../../../src/demo/pageForms';
