// Types of the standard bundle (pith/standard); the API is the same in every bundle.
export * from '../types.js';
