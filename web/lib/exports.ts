// Exports from any page: the file is saved by the browser and a toast says what was saved, or
// why it could not be.
import { download, errorMessage } from './api.ts'
import { toast } from './toast.ts'

export async function saveExport(url: string, fallbackName: string): Promise<void> {
  try {
    toast(`Downloaded ${await download(url, fallbackName)}`)
  } catch (e) {
    toast(errorMessage(e), 'error', 7000)
  }
}
