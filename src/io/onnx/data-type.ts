/** TensorProto.DataType values convkit handles, in a module of their own so the main entry has them without the codec. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;
