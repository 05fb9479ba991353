// Row (be)'s encoder module (the SDK's encode stage loads it by path, also on its worker threads): every record
// encodes to nothing.
exports.empty = () => () => '';
