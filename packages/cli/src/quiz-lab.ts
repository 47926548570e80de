// The quiz's runs, bound to core with the strategy packages the command loaded and the scenarios on disk.
import type { ContainerModule } from "inversify";
import type { StrategyInfo } from "@vmlab/core";
import { bindQuizLab, type QuizLab } from "@vmlab/course";
import { findScenario } from "@vmlab/guest";

export const quizLab = (modules: readonly ContainerModule[], catalog: readonly StrategyInfo[]): QuizLab => bindQuizLab(modules, catalog, findScenario);
