"""Networks shared by the model families; they know nothing about objectives or samplers."""

from caloforge.models.nn.conv import ImageDecoder, ImageEncoder
from caloforge.models.nn.conv_denoiser import ConvDenoiser
from caloforge.models.nn.denoiser import MLPDenoiser
from caloforge.models.nn.layout import NETWORKS, VoxelLayout, use_conv
from caloforge.models.nn.mlp import FourierEmbedding, ResMLP

__all__ = ["NETWORKS", "ConvDenoiser", "FourierEmbedding", "ImageDecoder", "ImageEncoder", "MLPDenoiser", "ResMLP",
           "VoxelLayout", "use_conv"]
