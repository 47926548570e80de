// The built-in strategy packages, in core's BUILTIN_STRATEGY_PACKAGES order (the catalog,
// and so each CPU strategy's default memory strategy, follow it).
import type { ContainerModule } from "inversify";
import { strategyModule as native } from "@vmlab/strategy-native";
import { strategyModule as interpret } from "@vmlab/strategy-interpret";
import { strategyModule as trapEmulate } from "@vmlab/strategy-trap-emulate";
import { strategyModule as binaryTranslation } from "@vmlab/strategy-binary-translation";
import { strategyModule as hardwareAssist } from "@vmlab/strategy-hardware-assist";
import { strategyModule as softwareTlb } from "@vmlab/paging-software-tlb";
import { strategyModule as shadow } from "@vmlab/paging-shadow";
import { strategyModule as nested } from "@vmlab/paging-nested";
import { strategyModule as paravirt } from "@vmlab/strategy-paravirt";

export const STRATEGY_MODULES: readonly ContainerModule[] = [native, interpret, trapEmulate, binaryTranslation, hardwareAssist, softwareTlb, shadow, nested, paravirt];
