// Types of the minimal bundle (pith/minimal); the API is the same in every bundle.
export * from '../types.js';
