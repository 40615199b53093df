"""PyTorch definitions of the convkit models that torchvision does not have, for fixtures and counts.

- The lectures' LeNet5, SimpleCNN and ResidualNet.
- VGG's paper configurations by name (Simonyan & Zisserman, Table 1), incl. A-LRN and C (1x1 convolutions).
- ResNet with the bottleneck stride on the first 1x1 convolution (the paper) instead of the 3x3 (torchvision).
- Xception and Inception-ResNet-v2 following the Keras applications definitions layer by layer
  (keras/applications/xception.py, inception_resnet_v2.py), with Keras's BatchNorm eps 1e-3 and, for
  Inception-ResNet-v2, BatchNorm without the scale parameter. Module names follow the Keras layer names.

The module names are the state-dict keys convkit uses, so fixtures written from these load unchanged.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


# ---------------------------------------------------------------- lectures

class LeNet5(nn.Module):
    def __init__(self, activation='sigmoid', pool='avg', in_channels=1, num_classes=10):
        super().__init__()
        act = {'sigmoid': nn.Sigmoid, 'relu': nn.ReLU, 'tanh': nn.Tanh}[activation]
        pool_layer = {'avg': nn.AvgPool2d, 'max': nn.MaxPool2d}[pool]
        self.features_detector = nn.Sequential(
            nn.Conv2d(in_channels, 6, 5), act(), pool_layer(2),
            nn.Conv2d(6, 16, 5), act(), pool_layer(2),
            nn.Conv2d(16, 120, 5), act(),
        )
        self.classifier = nn.Sequential(nn.Linear(120, 84), act(), nn.Linear(84, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features_detector(x), 1))


class SimpleCNN(nn.Module):
    def __init__(self, dropout=0.5, num_classes=10, in_channels=3):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 16, 5, stride=2), nn.ReLU(),
            nn.Conv2d(16, 32, 5, stride=2), nn.ReLU(), nn.Dropout2d(dropout),
        )
        self.classifier = nn.Linear(800, num_classes)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class ResidualBlock(nn.Module):
    def __init__(self, in_channels, out_channels, filt, stride):
        super().__init__()
        pad = filt // 2
        self.conv1 = nn.Conv2d(in_channels, out_channels, filt, stride=stride, padding=pad, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, filt, padding=pad, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + self.shortcut(x))


class ResidualNet(nn.Module):
    def __init__(self, in_dim=(3, 32, 32), channels=16, filt=3, num_res_blocks=6, drop_p=0.0, num_classes=10):
        super().__init__()
        c, h, w = in_dim
        self.conv = nn.Conv2d(c, channels, filt, padding=filt // 2, bias=False)
        self.bn = nn.BatchNorm2d(channels)
        blocks, width = [], channels
        for i in range(num_res_blocks):
            stride = 2 if i > 0 and i % 2 == 0 else 1
            out = width * stride
            blocks.append(ResidualBlock(width, out, filt, stride))
            if stride == 2:
                h, w = (h + 1) // 2, (w + 1) // 2
            width = out
        self.blocks = nn.Sequential(*blocks)
        self.dropout = nn.Dropout(drop_p)
        self.fc = nn.Linear(width * h * w, num_classes)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        return self.fc(self.dropout(torch.flatten(self.blocks(x), 1)))


# ---------------------------------------------------------------- VGG's paper configurations

VGG_CONFIGS = {
    'A': [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
    'A-LRN': [64, 'LRN', 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
    'B': [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
    'C': [64, 64, 'M', 128, 128, 'M', 256, 256, (256, 1), 'M', 512, 512, (512, 1), 'M', 512, 512, (512, 1), 'M'],
    'D': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
    'E': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
}


def vgg_paper(config, batch_norm=False, num_classes=1000):
    """torchvision's VGG with the paper's layer list; (c, 1) is a 1x1 convolution, LRN as in AlexNet's paper."""
    layers, c_in = [], 3
    for v in VGG_CONFIGS[config]:
        if v == 'M':
            layers.append(nn.MaxPool2d(2, 2))
        elif v == 'LRN':
            layers.append(nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0))  # Krizhevsky's alpha 1e-4 times n
        else:
            c_out, k = v if isinstance(v, tuple) else (v, 3)
            layers.append(nn.Conv2d(c_in, c_out, k, padding=k // 2))
            layers += [nn.BatchNorm2d(c_out), nn.ReLU(True)] if batch_norm else [nn.ReLU(True)]
            c_in = c_out
    return torchvision.models.VGG(nn.Sequential(*layers), num_classes=num_classes, init_weights=False)


# ---------------------------------------------------------------- ResNet, stride on the 1x1

def resnet(depth, stride_on='3x3', **kwargs):
    model = getattr(torchvision.models, f'resnet{depth}')(**kwargs)
    if stride_on == '1x1':
        for m in model.modules():
            if isinstance(m, torchvision.models.resnet.Bottleneck) and m.conv2.stride != (1, 1):
                m.conv1.stride, m.conv2.stride = m.conv2.stride, (1, 1)
    return model


# ---------------------------------------------------------------- Keras: Xception

def tf_same_pad(size, k, s):
    """TensorFlow's 'same' padding for one dimension: (before, after), the extra one after."""
    out = math.ceil(size / s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


class MaxPool2dSame(nn.Module):
    """Keras MaxPooling2D(padding='same'): padded with -inf, the extra row/column at the end."""
    def __init__(self, k, s):
        super().__init__()
        self.k, self.s = k, s

    def forward(self, x):
        top, bottom = tf_same_pad(x.shape[2], self.k, self.s)
        left, right = tf_same_pad(x.shape[3], self.k, self.s)
        return F.max_pool2d(F.pad(x, (left, right, top, bottom), value=-math.inf), self.k, self.s)


def keras_bn(c):
    return nn.BatchNorm2d(c, eps=1e-3, momentum=0.01)


class SeparableConv2d(nn.Module):
    """Keras SeparableConv2D without bias: a depthwise k x k convolution, then a pointwise 1x1."""
    def __init__(self, c_in, c_out, k=3):
        super().__init__()
        self.depthwise = nn.Conv2d(c_in, c_in, k, padding=k // 2, groups=c_in, bias=False)
        self.pointwise = nn.Conv2d(c_in, c_out, 1, bias=False)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


class XceptionBlock(nn.Module):
    """Keras's block N: [relu] sepconv bn (relu sepconv bn)*, then max-pool + 1x1 stride-2 residual, or identity."""
    def __init__(self, c_in, widths, first_relu=True, downsample=True):
        super().__init__()
        self.first_relu = first_relu
        c = c_in
        for i, w in enumerate(widths, 1):
            setattr(self, f'sepconv{i}', SeparableConv2d(c, w))
            setattr(self, f'sepconv{i}_bn', keras_bn(w))
            c = w
        self.n = len(widths)
        self.downsample = downsample
        if downsample:
            self.residual = nn.Conv2d(c_in, c, 1, stride=2, bias=False)
            self.residual_bn = keras_bn(c)
            self.pool = MaxPool2dSame(3, 2)

    def forward(self, x):
        y = x
        for i in range(1, self.n + 1):
            if i > 1 or self.first_relu:
                y = F.relu(y)
            y = getattr(self, f'sepconv{i}_bn')(getattr(self, f'sepconv{i}')(y))
        if self.downsample:
            return self.pool(y) + self.residual_bn(self.residual(x))
        return y + x


class Xception(nn.Module):
    def __init__(self, in_channels=3, num_classes=1000):
        super().__init__()
        self.block1_conv1 = nn.Conv2d(in_channels, 32, 3, stride=2, bias=False)
        self.block1_conv1_bn = keras_bn(32)
        self.block1_conv2 = nn.Conv2d(32, 64, 3, bias=False)
        self.block1_conv2_bn = keras_bn(64)
        self.block2 = XceptionBlock(64, [128, 128], first_relu=False)
        self.block3 = XceptionBlock(128, [256, 256])
        self.block4 = XceptionBlock(256, [728, 728])
        for i in range(5, 13):
            setattr(self, f'block{i}', XceptionBlock(728, [728, 728, 728], downsample=False))
        self.block13 = XceptionBlock(728, [728, 1024])
        self.block14_sepconv1 = SeparableConv2d(1024, 1536)
        self.block14_sepconv1_bn = keras_bn(1536)
        self.block14_sepconv2 = SeparableConv2d(1536, 2048)
        self.block14_sepconv2_bn = keras_bn(2048)
        self.predictions = nn.Linear(2048, num_classes)

    def forward(self, x):
        x = F.relu(self.block1_conv1_bn(self.block1_conv1(x)))
        x = F.relu(self.block1_conv2_bn(self.block1_conv2(x)))
        for i in range(2, 14):
            x = getattr(self, f'block{i}')(x)
        x = F.relu(self.block14_sepconv1_bn(self.block14_sepconv1(x)))
        x = F.relu(self.block14_sepconv2_bn(self.block14_sepconv2(x)))
        return self.predictions(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


# ---------------------------------------------------------------- Keras: Inception-ResNet-v2

class ShiftBatchNorm2d(nn.Module):
    """Keras BatchNormalization(scale=False): a learned shift (beta) but no scale (gamma)."""
    def __init__(self, c):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(c))
        self.register_buffer('running_mean', torch.zeros(c))
        self.register_buffer('running_var', torch.ones(c))
        self.register_buffer('num_batches_tracked', torch.tensor(0, dtype=torch.long))

    def forward(self, x):
        return F.batch_norm(x, self.running_mean, self.running_var, None, self.bias, self.training, 0.01, 1e-3)


class ConvBn(nn.Module):
    """Keras's conv2d_bn: a convolution without bias, BatchNorm without scale, then ReLU (or no activation)."""
    def __init__(self, c_in, c_out, k, stride=1, padding='same', activation=True):
        super().__init__()
        if padding == 'same':
            padding = (k // 2, k // 2) if isinstance(k, int) else (k[0] // 2, k[1] // 2)
        else:
            padding = 0
        self.conv = nn.Conv2d(c_in, c_out, k, stride=stride, padding=padding, bias=False)
        self.bn = ShiftBatchNorm2d(c_out)
        self.activation = activation

    def forward(self, x):
        x = self.bn(self.conv(x))
        return F.relu(x) if self.activation else x


class Branches(nn.Module):
    """Parallel branches concatenated along channels; each a Sequential."""
    def __init__(self, *branches, pool=None):
        super().__init__()
        for i, b in enumerate(branches):
            setattr(self, f'branch_{i}', b)
        self.n = len(branches)
        self.pool = pool

    def forward(self, x):
        outs = [getattr(self, f'branch_{i}')(x) for i in range(self.n)]
        if self.pool is not None:
            outs.append(self.pool(x))
        return torch.cat(outs, 1)


def seq(*layers):
    return nn.Sequential(*layers)


class InceptionResNetBlock(nn.Module):
    def __init__(self, block_type, c, scale, activation=True):
        super().__init__()
        if block_type == 'block35':
            self.mixed = Branches(seq(ConvBn(c, 32, 1)),
                                  seq(ConvBn(c, 32, 1), ConvBn(32, 32, 3)),
                                  seq(ConvBn(c, 32, 1), ConvBn(32, 48, 3), ConvBn(48, 64, 3)))
            mixed = 128
        elif block_type == 'block17':
            self.mixed = Branches(seq(ConvBn(c, 192, 1)),
                                  seq(ConvBn(c, 128, 1), ConvBn(128, 160, (1, 7)), ConvBn(160, 192, (7, 1))))
            mixed = 384
        else:
            self.mixed = Branches(seq(ConvBn(c, 192, 1)),
                                  seq(ConvBn(c, 192, 1), ConvBn(192, 224, (1, 3)), ConvBn(224, 256, (3, 1))))
            mixed = 448
        self.conv = nn.Conv2d(mixed, c, 1)
        self.scale = scale
        self.activation = activation

    def forward(self, x):
        x = x + self.scale * self.conv(self.mixed(x))
        return F.relu(x) if self.activation else x


class InceptionResNetV2(nn.Module):
    def __init__(self, in_channels=3, num_classes=1000):
        super().__init__()
        self.conv2d_1a = ConvBn(in_channels, 32, 3, stride=2, padding='valid')
        self.conv2d_2a = ConvBn(32, 32, 3, padding='valid')
        self.conv2d_2b = ConvBn(32, 64, 3)
        self.maxpool_3a = nn.MaxPool2d(3, 2)
        self.conv2d_3b = ConvBn(64, 80, 1, padding='valid')
        self.conv2d_4a = ConvBn(80, 192, 3, padding='valid')
        self.maxpool_5a = nn.MaxPool2d(3, 2)
        self.mixed_5b = Branches(
            seq(ConvBn(192, 96, 1)),
            seq(ConvBn(192, 48, 1), ConvBn(48, 64, 5)),
            seq(ConvBn(192, 64, 1), ConvBn(64, 96, 3), ConvBn(96, 96, 3)),
            seq(nn.AvgPool2d(3, 1, padding=1, count_include_pad=False), ConvBn(192, 64, 1)))
        self.block35 = seq(*[InceptionResNetBlock('block35', 320, 0.17) for _ in range(10)])
        self.mixed_6a = Branches(
            seq(ConvBn(320, 384, 3, stride=2, padding='valid')),
            seq(ConvBn(320, 256, 1), ConvBn(256, 256, 3), ConvBn(256, 384, 3, stride=2, padding='valid')),
            pool=nn.MaxPool2d(3, 2))
        self.block17 = seq(*[InceptionResNetBlock('block17', 1088, 0.1) for _ in range(20)])
        self.mixed_7a = Branches(
            seq(ConvBn(1088, 256, 1), ConvBn(256, 384, 3, stride=2, padding='valid')),
            seq(ConvBn(1088, 256, 1), ConvBn(256, 288, 3, stride=2, padding='valid')),
            seq(ConvBn(1088, 256, 1), ConvBn(256, 288, 3), ConvBn(288, 320, 3, stride=2, padding='valid')),
            pool=nn.MaxPool2d(3, 2))
        self.block8 = seq(*[InceptionResNetBlock('block8', 2080, 0.2) for _ in range(9)],
                          InceptionResNetBlock('block8', 2080, 1.0, activation=False))
        self.conv_7b = ConvBn(2080, 1536, 1)
        self.predictions = nn.Linear(1536, num_classes)

    def forward(self, x):
        for name in ['conv2d_1a', 'conv2d_2a', 'conv2d_2b', 'maxpool_3a', 'conv2d_3b', 'conv2d_4a', 'maxpool_5a',
                     'mixed_5b', 'block35', 'mixed_6a', 'block17', 'mixed_7a', 'block8', 'conv_7b']:
            x = getattr(self, name)(x)
        return self.predictions(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))
