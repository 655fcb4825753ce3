"""Writes the small ONNX fixtures of crates/inference/segment_onnx/tests/fixtures:
two_class_output.onnx, a model whose output has 2 channels where the contract wants 4.

    python make_fixtures.py ../../crates/inference/segment_onnx/tests/fixtures
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def two_class_output(path):
    weight = numpy_helper.from_array(np.ones((2, 1, 1, 1, 1), np.float32), "weight")
    graph = helper.make_graph(
        [helper.make_node("Conv", ["ct", "weight"], ["logits"])],
        "two_class_output",
        [helper.make_tensor_value_info("ct", TensorProto.FLOAT, ["batch", 1, 64, 64, 64])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 2, 64, 64, 64])],
        [weight],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


if __name__ == "__main__":
    out = sys.argv[1]
    two_class_output(os.path.join(out, "two_class_output.onnx"))
