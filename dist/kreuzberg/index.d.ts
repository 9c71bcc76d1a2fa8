// index.d.ts (pith/kreuzberg): the types of @kreuzberg/wasm 4.5.2's extraction API, which
// pith/kreuzberg answers. The interfaces below are Kreuzberg's own (dist/types.d.ts of
// @kreuzberg/wasm 4.5.2, MIT License, Copyright (c) Na'aman Hirschfeld / kreuzberg.dev), kept
// field for field without their doc comments so that code typed against Kreuzberg type-checks
// against pith unchanged. What pith fills: content, mimeType, metadata (title, authors,
// subject, keywords, language, createdAt, modifiedAt, pageCount, formatType, outputFormat, and
// pith's other metadata keys under their own names), tables, pages (config.pages.extractPages)
// and processingWarnings; every other result field is null. See dist/README.md, "Migrating from
// @kreuzberg/wasm".

import type { PithError, PackName, PackSource } from '../types.js';

export { PithError };

export interface TokenReductionConfig {
    mode?: string;
    preserveImportantWords?: boolean;
}
export interface PostProcessorConfig {
    enabled?: boolean;
    enabledProcessors?: string[];
    disabledProcessors?: string[];
}
export type KeywordAlgorithm = "yake" | "rake";
export interface YakeParams {
    windowSize?: number;
}
export interface RakeParams {
    minWordLength?: number;
    maxWordsPerPhrase?: number;
}
export interface KeywordConfig {
    algorithm?: KeywordAlgorithm;
    maxKeywords?: number;
    minScore?: number;
    ngramRange?: [number, number];
    language?: string;
    yakeParams?: YakeParams;
    rakeParams?: RakeParams;
}
export interface ExtractedKeyword {
    text: string;
    score: number;
    algorithm: KeywordAlgorithm;
    positions?: number[];
}
export interface HtmlPreprocessingOptions {
    enabled?: boolean;
    preset?: "minimal" | "standard" | "aggressive";
    removeNavigation?: boolean;
    removeForms?: boolean;
}
export interface HtmlConversionOptions {
    headingStyle?: "atx" | "underlined" | "atx_closed";
    listIndentType?: "spaces" | "tabs";
    listIndentWidth?: number;
    bullets?: string;
    strongEmSymbol?: string;
    escapeAsterisks?: boolean;
    escapeUnderscores?: boolean;
    escapeMisc?: boolean;
    escapeAscii?: boolean;
    codeLanguage?: string;
    autolinks?: boolean;
    defaultTitle?: boolean;
    brInTables?: boolean;
    hocrSpatialTables?: boolean;
    highlightStyle?: "double_equal" | "html" | "bold" | "none";
    extractMetadata?: boolean;
    whitespaceMode?: "normalized" | "strict";
    stripNewlines?: boolean;
    wrap?: boolean;
    wrapWidth?: number;
    convertAsInline?: boolean;
    subSymbol?: string;
    supSymbol?: string;
    newlineStyle?: "spaces" | "backslash";
    codeBlockStyle?: "indented" | "backticks" | "tildes";
    keepInlineImagesIn?: string[];
    encoding?: string;
    debug?: boolean;
    stripTags?: string[];
    preserveTags?: string[];
    preprocessing?: HtmlPreprocessingOptions;
}
export interface ExtractionConfig {
    ocr?: OcrConfig;
    chunking?: ChunkingConfig;
    images?: ImageExtractionConfig;
    pages?: PageExtractionConfig;
    languageDetection?: LanguageDetectionConfig;
    pdfOptions?: PdfConfig;
    tokenReduction?: TokenReductionConfig;
    postprocessor?: PostProcessorConfig;
    keywords?: KeywordConfig;
    htmlOptions?: HtmlConversionOptions;
    useCache?: boolean;
    enableQualityProcessing?: boolean;
    forceOcr?: boolean;
    securityLimits?: Record<string, number>;
    maxConcurrentExtractions?: number;
    outputFormat?: "plain" | "markdown" | "djot" | "html";
    resultFormat?: "unified" | "element_based";
    includeDocumentStructure?: boolean;
}
export interface TesseractConfig {
    psm?: number;
    enableTableDetection?: boolean;
    tesseditCharWhitelist?: string;
}
export interface OcrConfig {
    backend?: string;
    languages?: string[];
    enabled?: boolean;
    tesseractConfig?: TesseractConfig;
    language?: string;
}
export interface ChunkingConfig {
    maxChars?: number;
    maxOverlap?: number;
    sizingType?: "characters" | "tokenizer";
    sizingModel?: string;
    sizingCacheDir?: string;
}
export interface ImageExtractionConfig {
    enabled?: boolean;
    targetDpi?: number;
    maxImageDimension?: number;
    autoAdjustDpi?: boolean;
    minDpi?: number;
    maxDpi?: number;
}
export interface PdfConfig {
    extractImages?: boolean;
    passwords?: string[];
    extractMetadata?: boolean;
    extractAnnotations?: boolean;
    topMarginFraction?: number;
    bottomMarginFraction?: number;
}
export interface PageExtractionConfig {
    extractPages?: boolean;
    insertPageMarkers?: boolean;
    markerFormat?: string;
}
export interface LanguageDetectionConfig {
    enabled?: boolean;
}
export type ElementType = "title" | "narrative_text" | "heading" | "list_item" | "table" | "image" | "page_break" | "code_block" | "block_quote" | "footer" | "header";
export interface BoundingBox {
    x0: number;
    y0: number;
    x1: number;
    y1: number;
}
export interface ElementMetadata {
    page_number?: number | null;
    filename?: string | null;
    coordinates?: BoundingBox | null;
    element_index?: number | null;
    additional?: Record<string, string>;
}
export interface Element {
    element_id: string;
    element_type: ElementType;
    text: string;
    metadata: ElementMetadata;
}
export interface ProcessingWarning {
    source: string;
    message: string;
}
export interface OcrBoundingGeometryRectangle {
    type: "rectangle";
    left: number;
    top: number;
    width: number;
    height: number;
}
export interface OcrBoundingGeometryQuadrilateral {
    type: "quadrilateral";
    points: number[][];
}
export type OcrBoundingGeometry = OcrBoundingGeometryRectangle | OcrBoundingGeometryQuadrilateral;
export interface OcrConfidence {
    detection?: number;
    recognition?: number;
}
export type OcrElementLevel = "word" | "line" | "block" | "page";
export interface OcrElement {
    text: string;
    geometry?: OcrBoundingGeometry;
    confidence?: OcrConfidence;
    level?: OcrElementLevel;
    pageNumber?: number;
    parentId?: string;
}
export type NodeContentType = "title" | "heading" | "paragraph" | "list" | "list_item" | "table" | "image" | "code" | "quote" | "formula" | "footnote" | "group" | "page_break";
export type ContentLayer = "body" | "header" | "footer" | "footnote";
export interface DocumentNode {
    id: string;
    content: Record<string, unknown>;
    parent?: number | null;
    children?: number[] | null;
    contentLayer?: ContentLayer | null;
    page?: number | null;
    pageEnd?: number | null;
    bbox?: BoundingBox | null;
}
export interface DocumentStructure {
    nodes: DocumentNode[];
}
export type PdfAnnotationType = "text" | "highlight" | "link" | "stamp" | "underline" | "strike_out" | "other";
export interface PdfAnnotation {
    annotationType: PdfAnnotationType;
    content?: string | null;
    pageNumber: number;
    boundingBox?: BoundingBox | null;
}
export interface ExtractionResult {
    content: string;
    mimeType: string;
    metadata: Metadata;
    tables: Table[];
    detectedLanguages?: string[] | null;
    chunks?: Chunk[] | null;
    images?: ExtractedImage[] | null;
    pages?: PageContent[] | null;
    extractedKeywords?: ExtractedKeyword[] | null;
    qualityScore?: number | null;
    processingWarnings?: ProcessingWarning[] | null;
    elements?: Element[] | null;
    ocrElements?: OcrElement[] | null;
    document?: DocumentStructure | null;
    annotations?: PdfAnnotation[] | null;
}
export interface Metadata {
    title?: string;
    subject?: string;
    authors?: string[];
    keywords?: string[];
    language?: string;
    createdAt?: string;
    modifiedAt?: string;
    creator?: string;
    lastModifiedBy?: string;
    pageCount?: number;
    category?: string | null;
    tags?: string[];
    documentVersion?: string | null;
    abstractText?: string | null;
    outputFormat?: string | null;
    formatMetadata?: unknown;
    [key: string]: unknown;
}
export interface Table {
    cells?: string[][];
    markdown?: string;
    pageNumber?: number;
    headers?: string[];
    rows?: string[][];
    boundingBox?: BoundingBox | null;
}
export interface HeadingLevel {
    level: number;
    text: string;
}
export interface HeadingContext {
    headings: HeadingLevel[];
}
export interface ChunkMetadata {
    byteStart: number;
    byteEnd: number;
    charStart?: number;
    charEnd?: number;
    tokenCount: number | null;
    chunkIndex: number;
    totalChunks: number;
    firstPage?: number | null;
    lastPage?: number | null;
    headingContext?: HeadingContext | null;
}
export interface Chunk {
    content: string;
    metadata?: ChunkMetadata;
    charIndex?: number;
    tokenCount?: number;
    embedding?: number[] | null;
}
export interface ExtractedImage {
    data: Uint8Array | string;
    format?: string;
    mimeType?: string;
    imageIndex?: number;
    pageNumber?: number | null;
    width?: number | null;
    height?: number | null;
    colorspace?: string | null;
    bitsPerComponent?: number | null;
    isMask?: boolean;
    description?: string | null;
    ocrResult?: ExtractionResult | string | null;
    boundingBox?: BoundingBox | null;
}
export interface HierarchicalBlock {
    text: string;
    font_size: number;
    level: string;
    bbox?: [number, number, number, number] | null;
}
export interface PageHierarchy {
    block_count: number;
    blocks: HierarchicalBlock[];
}
export interface PageContent {
    pageNumber: number;
    content: string;
    tables?: Table[];
    images?: ExtractedImage[];
    hierarchy?: PageHierarchy | null;
    isBlank?: boolean;
}

export interface InitWasmOptions {
    /** A compiled WebAssembly.Module of pith's dist/standard/pith.wasm (Workers: import the
     *  .wasm and pass it here). Not Kreuzberg's kreuzberg_wasm_bg.wasm. */
    wasmModule?: WebAssembly.Module;
    /** pith: data packs to preload, so the synchronous calls read CJK documents too. */
    packs?: readonly PackName[] | Record<string, PackSource>;
}

/** Load pith's standard bundle once; later calls resolve at once. */
export declare function initWasm(options?: InitWasmOptions): Promise<void>;
export declare function isInitialized(): boolean;
/** The error of the last failed initWasm(), or null. */
export declare function getInitializationError(): unknown;
/** pith's version (not Kreuzberg's version number). Throws before initWasm(). */
export declare function getVersion(): string;

/** Content, metadata, tables (and pages) of a document. Options pith does not support add a
 *  processingWarnings entry { source: 'pith/kreuzberg' } instead of being ignored silently.
 *  Rejects with a PithError (code, offset) whose message starts "Error extracting from bytes:". */
export declare function extractBytes(data: Uint8Array, mimeType: string, config?: ExtractionConfig | null): Promise<ExtractionResult>;
/** extractBytes, synchronously, for every format (Kreuzberg refuses some). */
export declare function extractBytesSync(data: Uint8Array, mimeType: string, config?: ExtractionConfig | null): ExtractionResult;
export declare function batchExtractBytes(files: Array<{ data: Uint8Array; mimeType: string }>, config?: ExtractionConfig | null): Promise<ExtractionResult[]>;
export declare function batchExtractBytesSync(files: Array<{ data: Uint8Array; mimeType: string }>, config?: ExtractionConfig | null): ExtractionResult[];
/** A File or Blob, read straight into wasm memory; its type is the MIME type when none is given. */
export declare function extractFromFile(file: File | Blob, mimeType?: string | null, config?: ExtractionConfig | null): Promise<ExtractionResult>;
export declare function batchExtractFiles(files: File[], config?: ExtractionConfig | null): Promise<ExtractionResult[]>;
/** MIME type by content; 'application/octet-stream' when pith does not know it. */
export declare function detectMimeFromBytes(data: Uint8Array): string;
/** Extensions of a MIME type pith reads ([] otherwise). */
export declare function getExtensionsForMime(mimeType: string): string[];
